"""Platform families: rules shared by every site that runs on one CMS."""
