# Import, export, backup and restore.
import-title = Import
