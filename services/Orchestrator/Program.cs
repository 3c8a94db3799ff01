using Pipeline.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddPipelineDefaults();
builder.AddPipelineBus();
var app = builder.Build();
app.MapHealthChecks("/health");
app.Run();
