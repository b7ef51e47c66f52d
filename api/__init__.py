"""The application: a framework-free core and thin adapters over it, each layer importing only those below
(enforced by tests/test_layers.py):

    service/   use cases (intake, documents, submissions, batches, verification, progress, access, tokens,
               sessions, decisions, references, reports), errors, status; store/ (database, blobs, records)
    jobs/      the task layer over service: keys, queue, runtime, lifecycle, schedule, tasks, reconcile,
               the embedded check, the RQ worker
    rest/      the REST API, one router per resource       ui/   the web interface, one module per screen
    server.py  assembles the app                           cli/  the `kiemchung` commands
"""
