# Search.
search-title = Recherche
