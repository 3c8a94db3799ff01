using Pipeline.Contracts;

namespace Pipeline.ModelZoo.Backbones;

/// <summary><c>Pipeline:Weights</c>: where a worker may download backbone weights from (docs/models.md).</summary>
public sealed class WeightsOptions
{
    public const string Section = "Pipeline:Weights";

    /// <summary>
    /// Hosts whose weight URLs this worker downloads: <c>host</c> (https only) or <c>scheme://host[:port]</c>. Plain
    /// http is allowed only by an explicit <c>http://</c> entry (a loopback test, a mirror inside a trusted network).
    /// Empty by default: a service downloads no URL a run names until an operator allows its host.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Any https host: for the CLI, whose user typed the URL. Services leave it off.</summary>
    public bool AllowAnyHttpsHost { get; set; }

    /// <summary>Where the known torchvision names are downloaded from (<c>&lt;name&gt;.pth</c> below it): a mirror for
    /// machines that cannot reach download.pytorch.org.</summary>
    public string TorchvisionBaseUrl { get; set; } = WeightsReference.TorchvisionBaseUrl;
}
