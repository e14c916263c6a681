namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>Finds files of this repository from the test's output folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "M3uProxy.Edge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("M3uProxy.Edge.sln not found above " + AppContext.BaseDirectory);
    }
}
