from dvcrawl.cli import main

if __name__ == "__main__":  # not when a worker process is spawned
    main()
