using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pipeline.Contracts;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// Run state in one SQLite table (trials as a JSON column). Updates are compare-and-swap on <see cref="RunRecord.Version"/>
/// (optimistic concurrency), so two events racing for one run never overwrite each other silently.
/// </summary>
public sealed class RunStore
{
    /// <summary>Bumped when the tables change shape; an older run table is kept aside under another name, never dropped.</summary>
    private const int SchemaVersion = 10;

    private readonly string _connectionString;

    /// <param name="connectionString">A SQLite connection string, e.g. <c>Data Source=.pipeline/runs.db</c>.</param>
    public RunStore(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 30 };
        if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } folder)
            Directory.CreateDirectory(folder);
        _connectionString = builder.ToString();
        using var connection = Open();
        Migrate(connection);
    }

    /// <summary>
    /// Inserts a new run and, in the same transaction, the messages it causes; false (and nothing written) when a run
    /// with that id already exists (a redelivered submit).
    /// </summary>
    public bool TryInsert(RunRecord run, IEnumerable<OutboxMessage>? messages = null) => InTransaction(run, messages, """
        INSERT OR IGNORE INTO runs (id, state, spec, created_at, updated_at, version, manifest_key, fingerprint, trials, summary_key, error, owner, resends, compute_seconds, trace_parent, chunks)
        VALUES ($id, $state, $spec, $created_at, $updated_at, 1, $manifest_key, $fingerprint, $trials, $summary_key, $error, $owner, $resends, $compute_seconds, $trace_parent, $chunks)
        """);

    public RunRecord? Find(Guid id) =>
        Query("SELECT * FROM runs WHERE id = $id", ("$id", id.ToString("N"))).SingleOrDefault();

    /// <summary>Runs newest first (ties by id), optionally in one state, starting after the run <paramref name="after"/> names.</summary>
    public IReadOnlyList<RunRecord> List(int limit, RunState? state = null, (DateTimeOffset CreatedAt, Guid Id)? after = null) => Query("""
        SELECT * FROM runs
        WHERE ($state IS NULL OR state = $state)
          AND ($after_created IS NULL OR created_at < $after_created OR (created_at = $after_created AND id < $after_id))
        ORDER BY created_at DESC, id DESC LIMIT $limit
        """,
        ("$limit", limit), ("$state", (object?)state?.ToString() ?? DBNull.Value),
        ("$after_created", (object?)after?.CreatedAt.ToString("O", CultureInfo.InvariantCulture) ?? DBNull.Value),
        ("$after_id", (object?)after?.Id.ToString("N") ?? DBNull.Value));

    /// <summary>
    /// Gives <paramref name="key"/> to a new run (<paramref name="runId"/>, a request whose body hashes to
    /// <paramref name="bodyHash"/>) unless a claim younger than <paramref name="expiredBefore"/> holds it; returns the
    /// claim that stands, the caller's or the earlier one.
    /// </summary>
    public (Guid RunId, string BodyHash) ClaimIdempotencyKey(string key, string bodyHash, Guid runId, DateTimeOffset now, DateTimeOffset expiredBefore)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var claim = connection.CreateCommand();
        claim.CommandText = """
            INSERT INTO idempotency_keys (key, body_hash, run_id, created_at) VALUES ($key, $body_hash, $run_id, $now)
            ON CONFLICT (key) DO UPDATE SET body_hash = excluded.body_hash, run_id = excluded.run_id, created_at = excluded.created_at
            WHERE idempotency_keys.created_at < $expired_before;
            SELECT run_id, body_hash FROM idempotency_keys WHERE key = $key;
            """;
        claim.Parameters.AddWithValue("$key", key);
        claim.Parameters.AddWithValue("$body_hash", bodyHash);
        claim.Parameters.AddWithValue("$run_id", runId.ToString("N"));
        claim.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        claim.Parameters.AddWithValue("$expired_before", expiredBefore.ToUnixTimeMilliseconds());
        using var reader = claim.ExecuteReader();
        reader.Read();
        var standing = (Guid.ParseExact(reader.GetString(0), "N"), reader.GetString(1));
        reader.Close();
        transaction.Commit();
        return standing;
    }

    /// <summary>Forgets a final run: its row, journal, leases and idempotency keys (its objects are the caller's to remove). False when it is not final.</summary>
    public bool TryDeleteFinal(Guid id)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM runs WHERE id = $id AND state IN ('Completed', 'Failed', 'Cancelled', 'Interrupted')";
        command.Parameters.AddWithValue("$id", id.ToString("N"));
        if (command.ExecuteNonQuery() != 1)
            return false;
        foreach (var table in new[] { "run_events", "trial_leases", "idempotency_keys" })
        {
            using var related = connection.CreateCommand();
            related.CommandText = $"DELETE FROM {table} WHERE run_id = $id";
            related.Parameters.AddWithValue("$id", id.ToString("N"));
            related.ExecuteNonQuery();
        }
        transaction.Commit();
        return true;
    }

    /// <summary>How many runs are in each state (states without runs are left out).</summary>
    public IReadOnlyDictionary<RunState, long> CountByState()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state, COUNT(*) FROM runs GROUP BY state";
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<RunState, long>();
        while (reader.Read())
            counts[Enum.Parse<RunState>(reader.GetString(0))] = reader.GetInt64(1);
        return counts;
    }

    /// <summary>Runs that are neither final nor interrupted, oldest first.</summary>
    public IReadOnlyList<RunRecord> ListLive() =>
        Query("SELECT * FROM runs WHERE state NOT IN ('Completed', 'Failed', 'Cancelled', 'Interrupted') ORDER BY created_at");

    /// <summary>
    /// Writes <paramref name="run"/> if the stored version is still <c>run.Version</c>, and in the same transaction the
    /// messages the change causes: a state is never saved without its commands, nor a command sent for an unsaved
    /// state. False (and nothing written) when someone else got there first.
    /// </summary>
    public bool TryUpdate(RunRecord run, IEnumerable<OutboxMessage>? messages = null) => InTransaction(run, messages, """
        UPDATE runs SET state = $state, spec = $spec, updated_at = $updated_at, version = version + 1,
            manifest_key = $manifest_key, fingerprint = $fingerprint, trials = $trials, summary_key = $summary_key,
            error = $error, owner = $owner, resends = $resends, compute_seconds = $compute_seconds, chunks = $chunks
        WHERE id = $id AND version = $version
        """);

    /// <summary>Queues messages that change no run (a rejection of a run that was never created).</summary>
    public void Enqueue(IEnumerable<OutboxMessage> messages)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Insert(connection, messages);
        transaction.Commit();
    }

    /// <summary>The oldest messages waiting to be sent, in the order they were saved.</summary>
    public IReadOnlyList<OutboxMessage> PendingMessages(int limit)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, run_id, type, body, trace_parent FROM outbox ORDER BY id LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var messages = new List<OutboxMessage>();
        while (reader.Read())
            messages.Add(new OutboxMessage(reader.IsDBNull(1) ? null : Guid.ParseExact(reader.GetString(1), "N"), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)) { Id = reader.GetInt64(0) });
        return messages;
    }

    /// <summary>Forgets a message once the bus has taken it.</summary>
    public void Sent(long messageId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM outbox WHERE id = $id";
        command.Parameters.AddWithValue("$id", messageId);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Gives the trial to <paramref name="holder"/> until <paramref name="expiresAt"/> when nobody holds it, its lease
    /// expired, or the holder already has it; false when another holder's lease is still good.
    /// </summary>
    public bool TryAcquireLease(Guid runId, string trialId, string holder, DateTimeOffset now, DateTimeOffset expiresAt) => LeaseCommand("""
        INSERT INTO trial_leases (run_id, trial_id, holder, expires_at) VALUES ($run_id, $trial_id, $holder, $expires_at)
        ON CONFLICT (run_id, trial_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
        WHERE trial_leases.expires_at < $now OR trial_leases.holder = excluded.holder
        """, runId, trialId, holder, now, expiresAt) == 1;

    /// <summary>Extends the holder's lease; false when it no longer holds it (it expired and someone else took the trial).</summary>
    public bool TryRenewLease(Guid runId, string trialId, string holder, DateTimeOffset now, DateTimeOffset expiresAt) => LeaseCommand("""
        UPDATE trial_leases SET expires_at = $expires_at WHERE run_id = $run_id AND trial_id = $trial_id AND holder = $holder
        """, runId, trialId, holder, now, expiresAt) == 1;

    public void ReleaseLease(Guid runId, string trialId, string holder) => LeaseCommand("""
        DELETE FROM trial_leases WHERE run_id = $run_id AND trial_id = $trial_id AND holder = $holder
        """, runId, trialId, holder, DateTimeOffset.MinValue, DateTimeOffset.MinValue);

    /// <summary>Removes every lease of the run, whoever holds it: for a run whose working process died.</summary>
    public void DropLeases(Guid runId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM trial_leases WHERE run_id = $run_id";
        command.Parameters.AddWithValue("$run_id", runId.ToString("N"));
        command.ExecuteNonQuery();
    }

    /// <summary>Ends the holder's lease now but leaves it to be revoked like any expired one, which sends the trial again.</summary>
    public void ExpireLease(Guid runId, string trialId, string holder) => LeaseCommand("""
        UPDATE trial_leases SET expires_at = 0 WHERE run_id = $run_id AND trial_id = $trial_id AND holder = $holder
        """, runId, trialId, holder, DateTimeOffset.MinValue, DateTimeOffset.MinValue);

    /// <summary>Leases whose holder stopped renewing them before <paramref name="now"/>.</summary>
    public IReadOnlyList<(Guid RunId, string TrialId, string Holder)> ExpiredLeases(DateTimeOffset now)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT run_id, trial_id, holder FROM trial_leases WHERE expires_at < $now";
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        using var reader = command.ExecuteReader();
        var leases = new List<(Guid, string, string)>();
        while (reader.Read())
            leases.Add((Guid.ParseExact(reader.GetString(0), "N"), reader.GetString(1), reader.GetString(2)));
        return leases;
    }

    /// <summary>
    /// Removes an expired lease and, in the same transaction, queues the messages that hand the trial to someone else;
    /// false (nothing written) when the lease was renewed or taken meanwhile.
    /// </summary>
    public bool TryRevokeExpiredLease(Guid runId, string trialId, string holder, DateTimeOffset now, IEnumerable<OutboxMessage> messages)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM trial_leases WHERE run_id = $run_id AND trial_id = $trial_id AND holder = $holder AND expires_at < $now";
        AddLeaseParameters(command, runId, trialId, holder, now, now);
        if (command.ExecuteNonQuery() != 1)
            return false;
        Insert(connection, messages);
        transaction.Commit();
        return true;
    }

    private int LeaseCommand(string sql, Guid runId, string trialId, string holder, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        AddLeaseParameters(command, runId, trialId, holder, now, expiresAt);
        return command.ExecuteNonQuery();
    }

    private static void AddLeaseParameters(SqliteCommand command, Guid runId, string trialId, string holder, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        command.Parameters.AddWithValue("$run_id", runId.ToString("N"));
        command.Parameters.AddWithValue("$trial_id", trialId);
        command.Parameters.AddWithValue("$holder", holder);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$expires_at", expiresAt.ToUnixTimeMilliseconds());
    }

    /// <summary>A worker of a stage spoke (see <see cref="Contracts.StageHeartbeat"/>).</summary>
    public void WorkerSeen(string stage, string instance, DateTimeOffset at)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO workers (stage, instance, last_seen) VALUES ($stage, $instance, $at)
            ON CONFLICT (stage, instance) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen)
            """;
        command.Parameters.AddWithValue("$stage", stage);
        command.Parameters.AddWithValue("$instance", instance);
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    /// <summary>Whether any worker of <paramref name="stage"/> spoke at or after <paramref name="since"/>.</summary>
    public bool WorkerSeenSince(string stage, DateTimeOffset since)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM workers WHERE stage = $stage AND last_seen >= $since)";
        command.Parameters.AddWithValue("$stage", stage);
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>Appends an event to its run's journal, which watchers read with <see cref="Events"/>.</summary>
    public void AppendEvent(Guid runId, object message)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO run_events (run_id, type, body, created_at) VALUES ($run_id, $type, $body, $created_at)";
        command.Parameters.AddWithValue("$run_id", runId.ToString("N"));
        command.Parameters.AddWithValue("$type", message.GetType().Name);
        command.Parameters.AddWithValue("$body", JsonSerializer.Serialize(message, message.GetType(), PipelineJson.Compact));
        command.Parameters.AddWithValue("$created_at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }

    /// <summary>A run's events after the one with id <paramref name="after"/>, oldest first.</summary>
    public IReadOnlyList<RunEvent> Events(Guid runId, long after, int limit)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, type, body, created_at FROM run_events WHERE run_id = $run_id AND id > $after ORDER BY id LIMIT $limit";
        command.Parameters.AddWithValue("$run_id", runId.ToString("N"));
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var events = new List<RunEvent>();
        while (reader.Read())
            events.Add(new RunEvent(reader.GetInt64(0), reader.GetString(1), JsonDocument.Parse(reader.GetString(2)).RootElement.Clone(),
                DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture)));
        return events;
    }

    private bool InTransaction(RunRecord run, IEnumerable<OutboxMessage>? messages, string sql)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = Command(connection, sql, run);
        if (command.ExecuteNonQuery() != 1)
            return false;
        Insert(connection, messages ?? []);
        transaction.Commit();
        return true;
    }

    private static void Insert(SqliteConnection connection, IEnumerable<OutboxMessage> messages)
    {
        foreach (var message in messages)
        {
            using var insert = connection.CreateCommand();
            // A run's messages continue the run's trace (see RunRecord.TraceParent), whatever span saved them.
            insert.CommandText = """
                INSERT INTO outbox (run_id, type, body, trace_parent, created_at)
                VALUES ($run_id, $type, $body, COALESCE((SELECT trace_parent FROM runs WHERE id = $run_id), $trace_parent), $created_at)
                """;
            insert.Parameters.AddWithValue("$run_id", (object?)message.RunId?.ToString("N") ?? DBNull.Value);
            insert.Parameters.AddWithValue("$type", message.Type);
            insert.Parameters.AddWithValue("$body", message.Body);
            insert.Parameters.AddWithValue("$trace_parent", (object?)message.TraceParent ?? DBNull.Value);
            insert.Parameters.AddWithValue("$created_at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            insert.ExecuteNonQuery();
        }
    }

    private static void Migrate(SqliteConnection connection)
    {
        Execute(connection, "PRAGMA journal_mode = WAL;");
        using var version = connection.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        var current = Convert.ToInt32(version.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (current == SchemaVersion)
            return;
        using var transaction = connection.BeginTransaction();
        // The first version set no user_version; its table is kept, renamed, for anyone who wants its history.
        Execute(connection, $"ALTER TABLE runs RENAME TO runs_v{Math.Max(current, 1)};", ignoreMissingTable: true);
        Execute(connection, "DROP TABLE IF EXISTS outbox; DROP TABLE IF EXISTS run_events; DROP TABLE IF EXISTS trial_leases; DROP TABLE IF EXISTS workers; DROP TABLE IF EXISTS idempotency_keys;");
        Execute(connection, $"""
            CREATE TABLE runs (
                id TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                spec TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                version INTEGER NOT NULL,
                manifest_key TEXT, fingerprint TEXT,
                trials TEXT NOT NULL,
                summary_key TEXT, error TEXT, owner TEXT,
                resends INTEGER NOT NULL DEFAULT 0,
                compute_seconds TEXT NOT NULL,
                trace_parent TEXT,
                chunks TEXT);
            CREATE INDEX runs_by_state ON runs (state);
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT,
                type TEXT NOT NULL,
                body TEXT NOT NULL,
                trace_parent TEXT,
                created_at TEXT NOT NULL);
            CREATE TABLE run_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT NOT NULL,
                type TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at TEXT NOT NULL);
            CREATE INDEX run_events_by_run ON run_events (run_id, id);
            CREATE TABLE workers (
                stage TEXT NOT NULL,
                instance TEXT NOT NULL,
                last_seen INTEGER NOT NULL,
                PRIMARY KEY (stage, instance));
            CREATE TABLE trial_leases (
                run_id TEXT NOT NULL,
                trial_id TEXT NOT NULL,
                holder TEXT NOT NULL,
                expires_at INTEGER NOT NULL,
                PRIMARY KEY (run_id, trial_id));
            CREATE TABLE idempotency_keys (
                key TEXT PRIMARY KEY,
                body_hash TEXT NOT NULL,
                run_id TEXT NOT NULL,
                created_at INTEGER NOT NULL);
            CREATE INDEX idempotency_keys_by_run ON idempotency_keys (run_id);
            PRAGMA user_version = {SchemaVersion};
            """);
        transaction.Commit();
    }

    private IReadOnlyList<RunRecord> Query(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        using var reader = command.ExecuteReader();
        var runs = new List<RunRecord>();
        while (reader.Read())
            runs.Add(Read(reader));
        return runs;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql, bool ignoreMissingTable = false)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException e) when (ignoreMissingTable && e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            // Nothing to keep aside: a new database.
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, RunRecord run)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var p = command.Parameters;
        p.AddWithValue("$id", run.Id.ToString("N"));
        p.AddWithValue("$state", run.State.ToString());
        p.AddWithValue("$spec", JsonSerializer.Serialize(run.Spec, PipelineJson.Compact));
        p.AddWithValue("$created_at", run.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        p.AddWithValue("$updated_at", run.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
        p.AddWithValue("$version", run.Version);
        p.AddWithValue("$manifest_key", (object?)run.ManifestKey ?? DBNull.Value);
        p.AddWithValue("$fingerprint", (object?)run.Fingerprint ?? DBNull.Value);
        p.AddWithValue("$trials", JsonSerializer.Serialize(run.Trials, PipelineJson.Compact));
        p.AddWithValue("$summary_key", (object?)run.SummaryKey ?? DBNull.Value);
        p.AddWithValue("$error", (object?)run.Error ?? DBNull.Value);
        p.AddWithValue("$owner", (object?)run.Owner ?? DBNull.Value);
        p.AddWithValue("$resends", run.Resends);
        p.AddWithValue("$compute_seconds", JsonSerializer.Serialize(run.ComputeSeconds, PipelineJson.Compact));
        p.AddWithValue("$trace_parent", (object?)run.TraceParent ?? DBNull.Value);
        p.AddWithValue("$chunks", run.Chunks is null ? DBNull.Value : JsonSerializer.Serialize(run.Chunks, PipelineJson.Compact));
        return command;
    }

    private static RunRecord Read(SqliteDataReader r) => new()
    {
        Id = Guid.ParseExact(r.GetString(r.GetOrdinal("id")), "N"),
        State = Enum.Parse<RunState>(r.GetString(r.GetOrdinal("state"))),
        Spec = JsonSerializer.Deserialize<RunSpec>(r.GetString(r.GetOrdinal("spec")), PipelineJson.Compact)!,
        CreatedAt = DateTimeOffset.Parse(r.GetString(r.GetOrdinal("created_at")), CultureInfo.InvariantCulture),
        UpdatedAt = DateTimeOffset.Parse(r.GetString(r.GetOrdinal("updated_at")), CultureInfo.InvariantCulture),
        Version = r.GetInt64(r.GetOrdinal("version")),
        ManifestKey = Text(r, "manifest_key"),
        Fingerprint = Text(r, "fingerprint"),
        Trials = JsonSerializer.Deserialize<List<TrialRecord>>(r.GetString(r.GetOrdinal("trials")), PipelineJson.Compact)!,
        SummaryKey = Text(r, "summary_key"),
        Error = Text(r, "error"),
        Owner = Text(r, "owner"),
        Resends = r.GetInt32(r.GetOrdinal("resends")),
        ComputeSeconds = JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(r.GetOrdinal("compute_seconds")), PipelineJson.Compact)!,
        TraceParent = Text(r, "trace_parent"),
        Chunks = Text(r, "chunks") is { } chunks ? JsonSerializer.Deserialize<ChunkProgress>(chunks, PipelineJson.Compact) : null,
    };

    private static string? Text(SqliteDataReader r, string column) =>
        r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetString(r.GetOrdinal(column));
}
