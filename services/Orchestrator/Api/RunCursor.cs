using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Pipeline.Orchestrator.Api;

/// <summary>
/// Where a page of <c>GET /runs</c> ended: the last run's creation time and id, base64url-encoded so that clients
/// pass it back as it is and never build one.
/// </summary>
public static class RunCursor
{
    public static string Encode(DateTimeOffset createdAt, Guid id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{createdAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{id:N}"));

    /// <summary>The position a cursor names; null when it is not one this API gave out.</summary>
    public static (DateTimeOffset CreatedAt, Guid Id)? Decode(string cursor)
    {
        if (cursor.Length > 100 || !Base64Url.IsValid(cursor))
            return null;
        var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(':');
        return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
               && ticks <= DateTimeOffset.MaxValue.UtcTicks && Guid.TryParseExact(parts[1], "N", out var id)
            ? (new DateTimeOffset(ticks, TimeSpan.Zero), id)
            : null;
    }
}
