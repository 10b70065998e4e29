"""The one generic spider; sites differ only through their profiles."""
