namespace M3uProxy.Edge.Streams;

/// <summary>What <see cref="IStreamRegistry.GetOrCreate"/> did.</summary>
internal enum StreamUpsertOutcome
{
    /// <summary>No stream had this id; a new one was registered.</summary>
    Created,

    /// <summary>The stream existed without clients and was rebuilt from the new request.</summary>
    Recycled,

    /// <summary>The stream has clients; the new request's parameters were ignored.</summary>
    Reused,
}
