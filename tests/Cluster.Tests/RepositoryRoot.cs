namespace OrleansTokens.Cluster.Tests;

/// <summary>The folder that contains OrleansTokens.sln, found from the test assembly's location.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "OrleansTokens.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No OrleansTokens.sln above {AppContext.BaseDirectory}.");
    }
}
