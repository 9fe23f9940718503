# Import, export, backup and restore.
import-title = Importer
