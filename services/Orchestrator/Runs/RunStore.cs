using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pipeline.Contracts;
using Pipeline.Runs;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// Run state in one SQLite table. Updates are compare-and-swap on <see cref="RunRecord.Version"/>
/// (optimistic concurrency), so two events racing for one run never overwrite each other silently.
/// </summary>
public sealed class RunStore
{
    private readonly string _connectionString;

    public RunStore(string databasePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS runs (
                id TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                spec TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                version INTEGER NOT NULL,
                manifest_key TEXT, fingerprint TEXT, model_key TEXT, history_key TEXT,
                epoch INTEGER, validation_accuracy REAL, test_accuracy REAL, report_key TEXT, error TEXT);
            """);
    }

    /// <summary>Inserts a new run; false when a run with that id already exists (a redelivered submit).</summary>
    public bool TryInsert(RunRecord run)
    {
        using var connection = Open();
        using var command = Command(connection, "INSERT OR IGNORE INTO runs VALUES ($id, $state, $spec, $created_at, $updated_at, 1, $manifest_key, $fingerprint, $model_key, $history_key, $epoch, $validation_accuracy, $test_accuracy, $report_key, $error)", run);
        return command.ExecuteNonQuery() == 1;
    }

    public RunRecord? Find(Guid id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM runs WHERE id = $id";
        command.Parameters.AddWithValue("$id", id.ToString("N"));
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    public IReadOnlyList<RunRecord> List(int limit)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM runs ORDER BY created_at DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var runs = new List<RunRecord>();
        while (reader.Read())
            runs.Add(Read(reader));
        return runs;
    }

    /// <summary>Writes <paramref name="run"/> if the stored version is still <c>run.Version</c>; false when someone else got there first.</summary>
    public bool TryUpdate(RunRecord run)
    {
        using var connection = Open();
        using var command = Command(connection, """
            UPDATE runs SET state = $state, spec = $spec, updated_at = $updated_at, version = version + 1,
                manifest_key = $manifest_key, fingerprint = $fingerprint, model_key = $model_key, history_key = $history_key,
                epoch = $epoch, validation_accuracy = $validation_accuracy, test_accuracy = $test_accuracy,
                report_key = $report_key, error = $error
            WHERE id = $id AND version = $version
            """, run);
        return command.ExecuteNonQuery() == 1;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, RunRecord run)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var p = command.Parameters;
        p.AddWithValue("$id", run.Id.ToString("N"));
        p.AddWithValue("$state", run.State.ToString());
        p.AddWithValue("$spec", JsonSerializer.Serialize(run.Spec, PipelineJson.Options));
        p.AddWithValue("$created_at", run.CreatedAt.ToString("O"));
        p.AddWithValue("$updated_at", run.UpdatedAt.ToString("O"));
        p.AddWithValue("$version", run.Version);
        p.AddWithValue("$manifest_key", (object?)run.ManifestKey ?? DBNull.Value);
        p.AddWithValue("$fingerprint", (object?)run.Fingerprint ?? DBNull.Value);
        p.AddWithValue("$model_key", (object?)run.ModelKey ?? DBNull.Value);
        p.AddWithValue("$history_key", (object?)run.HistoryKey ?? DBNull.Value);
        p.AddWithValue("$epoch", (object?)run.Epoch ?? DBNull.Value);
        p.AddWithValue("$validation_accuracy", (object?)run.ValidationAccuracy ?? DBNull.Value);
        p.AddWithValue("$test_accuracy", (object?)run.TestAccuracy ?? DBNull.Value);
        p.AddWithValue("$report_key", (object?)run.ReportKey ?? DBNull.Value);
        p.AddWithValue("$error", (object?)run.Error ?? DBNull.Value);
        return command;
    }

    private static RunRecord Read(SqliteDataReader r) => new()
    {
        Id = Guid.ParseExact(r.GetString(r.GetOrdinal("id")), "N"),
        State = Enum.Parse<RunState>(r.GetString(r.GetOrdinal("state"))),
        Spec = JsonSerializer.Deserialize<RunSpec>(r.GetString(r.GetOrdinal("spec")), PipelineJson.Options)!,
        CreatedAt = DateTimeOffset.Parse(r.GetString(r.GetOrdinal("created_at")), System.Globalization.CultureInfo.InvariantCulture),
        UpdatedAt = DateTimeOffset.Parse(r.GetString(r.GetOrdinal("updated_at")), System.Globalization.CultureInfo.InvariantCulture),
        Version = r.GetInt64(r.GetOrdinal("version")),
        ManifestKey = Text(r, "manifest_key"),
        Fingerprint = Text(r, "fingerprint"),
        ModelKey = Text(r, "model_key"),
        HistoryKey = Text(r, "history_key"),
        Epoch = r.IsDBNull(r.GetOrdinal("epoch")) ? null : r.GetInt32(r.GetOrdinal("epoch")),
        ValidationAccuracy = r.IsDBNull(r.GetOrdinal("validation_accuracy")) ? null : r.GetDouble(r.GetOrdinal("validation_accuracy")),
        TestAccuracy = r.IsDBNull(r.GetOrdinal("test_accuracy")) ? null : r.GetDouble(r.GetOrdinal("test_accuracy")),
        ReportKey = Text(r, "report_key"),
        Error = Text(r, "error"),
    };

    private static string? Text(SqliteDataReader r, string column) =>
        r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetString(r.GetOrdinal(column));
}
