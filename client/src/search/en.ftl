# Search.
search-title = Search
search-label = Search accounts, contacts, deals, notes and visit reports
search-placeholder = Name, city, contact, words of a note or a report…
search-preparing = Preparing the search…
search-ready = { $count ->
    [one] One record to search.
   *[other] { $count } records to search.
}
search-results = { $count ->
    [0] Nothing found.
    [one] One result.
   *[other] { $count } results.
}
search-kind-account = Account
search-kind-contact = Contact
search-kind-deal = Deal
search-found-email = in an e-mail address
search-found-details = in the details
search-found-notes = in the notes
search-found-report = in a visit report
