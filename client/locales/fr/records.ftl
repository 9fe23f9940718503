# Contact and deal pages, account timeline, tasks and history.
contact-title = Contact
deal-title = Affaire
