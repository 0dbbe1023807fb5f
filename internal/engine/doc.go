// Package engine holds the data of Import (and Push) datasets in DuckDB.
//
// # On-disk layout
//
// Every dataset has its own directory under Options.Dir:
//
//	<Dir>/<datasetID>/
//	    CURRENT            one line: the name of the live version file, e.g. "v000007.duckdb"
//	    v000007.duckdb     the live version: one table per model table, checkpointed
//	    v000007.duckdb.wal DuckDB's write-ahead log, present only while appends are pending
//
// A version file is a complete database. Model names are used as they are for
// tables and columns (quoted, so spaces, quotes and any Unicode are fine); the
// model's types map to BIGINT, DOUBLE, DECIMAL(18,4), BOOLEAN, TIMESTAMP (UTC),
// DATE and VARCHAR (see SQLType).
//
// # Opening and closing
//
// A dataset's file is opened on first use, as one *sql.DB shared by every
// caller in the process (DuckDB allows one read-write opener per file), and
// closed after Options.IdleTimeout without use. Reads and writers hold a
// reference on the open version, so it is never closed under a running Read.
// Only one process may use a directory at a time.
//
// # Writes in place
//
// AppendRows (DuckDB's Appender inside one transaction), DeleteRows and an
// Import in ModeAppend (one INSERT ... SELECT) change the live version in place.
// Each is atomic; a concurrent Read sees the rows before or after it.
//
// # Full reload: the swap protocol
//
// An Import in ModeReplace never touches the live version. With the
// dataset's writer lock held it:
//
//  1. attaches a new file v<N+1>.duckdb to the open instance of v<N> (a second
//     instance on v<N> is not allowed in one process);
//  2. creates the model's tables in it, copies every other table from v<N>
//     (the columns both share, so definition changes carry the data over) and
//     loads the file into the imported table, mapping columns by name and
//     casting them to the model's types;
//  3. runs CHECKPOINT on the new file, detaches it and fsyncs it;
//  4. writes CURRENT.tmp, fsyncs it, renames it over CURRENT and fsyncs the
//     directory: this rename is the commit point;
//  5. retires v<N>: new Reads open v<N+1>; v<N> is closed and deleted when its
//     last running Read returns.
//
// A failure before step 4 detaches and deletes the new file: the previous data
// is intact and nobody ever saw the half-loaded table. A crash before step 4
// leaves v<N+1> (and perhaps CURRENT.tmp) on disk; Open, and the first use of a
// dataset in a process, delete every version file that CURRENT does not name.
// A directory without CURRENT is a Create that crashed and is removed.
// Version numbers of files still open in the process are never reused,
// because DuckDB shares database instances by path.
package engine
