"""The application core: the use cases below every adapter (REST, web, CLI) and the job layer. It imports
no web framework, no CLI library and no queue: ``context`` (settings, database, blobs), ``intake``
(uploads, sheet pick, unit discovery), ``documents``, ``submissions``, ``batches`` (the cross-unit
duplicate check), ``verification``, ``progress``, ``access``, ``tokens``, ``sessions``, ``decisions``,
``references``, ``reports``, ``labels``, ``filenames`` (download names), ``sheet_template`` and ``sheet_headers`` (the empty sheet; what a wrong one holds), ``version``, ``logs``;
``errors`` (one ``ServiceError``, the HTTP-status and exit-code tables) and
``status`` (the stored states); ``store/`` the database, blob stores and repository functions."""
