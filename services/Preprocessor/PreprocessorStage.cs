using Pipeline.Hosting;
using Pipeline.Preprocessor.Preprocessing;

namespace Pipeline.Preprocessor;

public static class PreprocessorStage
{
    public static IHostApplicationBuilder AddPreprocessorStage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DatasetPreparer>();
        builder.Services.AddStageConsumer<PreprocessDatasetConsumer>();
        return builder;
    }
}
