using Pipeline.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddPipelineDefaults();
builder.AddPipelineBus();
builder.Build().Run();
