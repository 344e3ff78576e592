"""What the pages and the CLI show, computed once: figures, tables, filters and phrases; pages only render them."""
