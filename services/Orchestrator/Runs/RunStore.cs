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
    /// <summary>Bumped when the table changes shape; an older table is kept aside under another name, never dropped.</summary>
    private const int SchemaVersion = 2;

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

    /// <summary>Inserts a new run; false when a run with that id already exists (a redelivered submit).</summary>
    public bool TryInsert(RunRecord run)
    {
        using var connection = Open();
        using var command = Command(connection, """
            INSERT OR IGNORE INTO runs (id, state, spec, created_at, updated_at, version, manifest_key, fingerprint, trials, summary_key, error, owner)
            VALUES ($id, $state, $spec, $created_at, $updated_at, 1, $manifest_key, $fingerprint, $trials, $summary_key, $error, $owner)
            """, run);
        return command.ExecuteNonQuery() == 1;
    }

    public RunRecord? Find(Guid id) =>
        Query("SELECT * FROM runs WHERE id = $id", ("$id", id.ToString("N"))).SingleOrDefault();

    public IReadOnlyList<RunRecord> List(int limit) =>
        Query("SELECT * FROM runs ORDER BY created_at DESC LIMIT $limit", ("$limit", limit));

    /// <summary>Runs that are neither final nor interrupted, oldest first.</summary>
    public IReadOnlyList<RunRecord> ListLive() =>
        Query("SELECT * FROM runs WHERE state NOT IN ('Completed', 'Failed', 'Cancelled', 'Interrupted') ORDER BY created_at");

    /// <summary>Writes <paramref name="run"/> if the stored version is still <c>run.Version</c>; false when someone else got there first.</summary>
    public bool TryUpdate(RunRecord run)
    {
        using var connection = Open();
        using var command = Command(connection, """
            UPDATE runs SET state = $state, spec = $spec, updated_at = $updated_at, version = version + 1,
                manifest_key = $manifest_key, fingerprint = $fingerprint, trials = $trials, summary_key = $summary_key,
                error = $error, owner = $owner
            WHERE id = $id AND version = $version
            """, run);
        return command.ExecuteNonQuery() == 1;
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
                summary_key TEXT, error TEXT, owner TEXT);
            CREATE INDEX runs_by_state ON runs (state);
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
    };

    private static string? Text(SqliteDataReader r, string column) =>
        r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetString(r.GetOrdinal(column));
}
