from dvcrawl.cli import main

main()
