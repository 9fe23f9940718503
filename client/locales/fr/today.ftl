# Today: tasks, visits, visit reports.
today-title = Aujourd'hui
