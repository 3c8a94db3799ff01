namespace Pipeline.Orchestrator.Api.Dashboard;

/// <summary>The body of <c>POST /dashboard/sign-in</c>: an API key, sent once, which the browser then holds as an HttpOnly cookie.</summary>
public sealed record SignInRequest(string Key);
