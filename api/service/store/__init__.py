"""Storage below the use cases: the database (engine, sessions, migrations), the blob stores, and the
repository functions that read and write the service's rows."""
