using Pipeline.Hosting;
using Pipeline.Preprocessor;

var builder = Host.CreateApplicationBuilder(args);
builder.AddPipelineDefaults("preprocessor");
builder.AddPreprocessorStage();
builder.AddPipelineBus(bus => bus.AddPreprocessorConsumers());
builder.Build().Run();
