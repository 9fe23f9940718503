# Search.
search-title = Search
