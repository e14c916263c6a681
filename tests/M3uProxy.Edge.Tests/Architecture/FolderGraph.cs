using System.Reflection;
using System.Reflection.Emit;

namespace M3uProxy.Edge.Tests.Architecture;

/// <summary>
/// The folder dependency graph of the server, read from the compiled assembly: every type's
/// signatures, attributes and method bodies (IL tokens), so qualified names, <c>var</c>, lambdas,
/// async state machines and generated code count as well as <c>using</c> lines. A folder is the
/// namespace segment after <c>M3uProxy.Edge</c> (<c>Coordination.Redis</c> belongs to <c>Coordination</c>);
/// <c>Program</c> (top-level statements) is the folder <c>(root)</c>.
/// </summary>
internal sealed class FolderGraph
{
    private const string Prefix = "M3uProxy.Edge";
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> _opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private readonly Assembly _assembly;
    private readonly Dictionary<string, HashSet<string>> _edges = new(StringComparer.Ordinal);

    // Which types of a folder reach into another, for the failure messages.
    private readonly Dictionary<(string From, string To), SortedSet<string>> _evidence = [];

    private FolderGraph(Assembly assembly)
    {
        _assembly = assembly;
        foreach (var type in assembly.GetTypes())
        {
            if (FolderOf(type) is { } folder)
            {
                Visit(type, folder);
            }
        }
    }

    public static FolderGraph Server { get; } = new(typeof(Edge.Hosting.EdgeApp).Assembly);

    /// <summary>Types (by folder) that call into <c>System.Diagnostics.Process</c> or build a <c>ProcessStartInfo</c>.</summary>
    public SortedSet<string> ProcessUsers { get; } = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Folders => _edges.Keys;

    public IEnumerable<string> DependenciesOf(string folder) => _edges.TryGetValue(folder, out var to) ? to : [];

    public bool DependsOn(string from, string to) => _edges.TryGetValue(from, out var set) && set.Contains(to);

    public string Why(string from, string to)
        => _evidence.TryGetValue((from, to), out var types) ? $"{from} -> {to} ({string.Join(", ", types.Take(6))})" : $"{from} -> {to}";

    private string? FolderOf(Type? type)
    {
        while (type is { IsGenericParameter: false } && (type.HasElementType || type.IsByRef))
        {
            type = type.GetElementType();
        }

        if (type is null || type.Assembly != _assembly)
        {
            return null;
        }

        // Top-level statements compile to a global-namespace Program; compiler helpers (<Module>,
        // <PrivateImplementationDetails>) belong to nobody.
        var ns = type.Namespace;
        if (ns is null)
        {
            return OuterName(type) == "Program" ? "(root)" : null;
        }

        if (!(ns == Prefix || ns.StartsWith(Prefix + ".", StringComparison.Ordinal)))
        {
            return null;
        }

        return ns == Prefix ? "(root)" : ns[(Prefix.Length + 1)..].Split('.')[0];
    }

    private void Visit(Type type, string folder)
    {
        if (!_edges.ContainsKey(folder))
        {
            _edges[folder] = new HashSet<string>(StringComparer.Ordinal);
        }

        AddType(folder, type, type.BaseType);
        foreach (var implemented in type.GetInterfaces())
        {
            AddType(folder, type, implemented);
        }

        AddAttributes(folder, type, type.CustomAttributes);
        foreach (var field in type.GetFields(Everything))
        {
            AddType(folder, type, field.FieldType);
            AddAttributes(folder, type, field.CustomAttributes);
        }

        foreach (var property in type.GetProperties(Everything))
        {
            AddType(folder, type, property.PropertyType);
        }

        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            if (method is MethodInfo info)
            {
                AddType(folder, type, info.ReturnType);
            }

            foreach (var parameter in method.GetParameters())
            {
                AddType(folder, type, parameter.ParameterType);
            }

            AddAttributes(folder, type, method.CustomAttributes);
            AddBody(folder, type, method);
        }
    }

    private void AddAttributes(string folder, Type owner, IEnumerable<CustomAttributeData> attributes)
    {
        foreach (var attribute in attributes)
        {
            AddType(folder, owner, attribute.AttributeType);
            foreach (var argument in attribute.ConstructorArguments)
            {
                if (argument.Value is Type referenced)
                {
                    AddType(folder, owner, referenced);
                }
            }
        }
    }

    private void AddType(string folder, Type owner, Type? referenced)
    {
        if (referenced is null)
        {
            return;
        }

        if (referenced.IsGenericType && !referenced.IsGenericTypeDefinition)
        {
            foreach (var argument in referenced.GetGenericArguments())
            {
                AddType(folder, owner, argument);
            }
        }

        if (referenced.FullName is "System.Diagnostics.Process" or "System.Diagnostics.ProcessStartInfo")
        {
            ProcessUsers.Add($"{folder}: {owner.FullName}");
        }

        if (FolderOf(referenced) is { } to && to != folder)
        {
            _edges[folder].Add(to);
            if (!_evidence.TryGetValue((folder, to), out var types))
            {
                _evidence[(folder, to)] = types = new SortedSet<string>(StringComparer.Ordinal);
            }

            types.Add(OuterName(owner) + " uses " + OuterName(referenced));
        }
    }

    private static string OuterName(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type.Name;
    }

    // Walks the IL and resolves every token that names a type, field or method.
    private void AddBody(string folder, Type owner, MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            return;
        }

        foreach (var local in method.GetMethodBody()!.LocalVariables)
        {
            AddType(folder, owner, local.LocalType);
        }

        var typeArguments = owner.IsGenericType ? owner.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            var code = il[position] == 0xFE ? _opCodes[(short)(0xFE00 | il[position + 1])] : _opCodes[il[position]];
            position += code.Size;
            switch (code.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    AddMember(folder, owner, method.Module, BitConverter.ToInt32(il, position), typeArguments, methodArguments);
                    position += 4;
                    break;
                case OperandType.InlineSwitch:
                    position += 4 + (4 * BitConverter.ToInt32(il, position));
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    position += 8;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    position += 1;
                    break;
                case OperandType.InlineVar:
                    position += 2;
                    break;
                case OperandType.InlineNone:
                    break;
                default:
                    position += 4;
                    break;
            }
        }
    }

    private void AddMember(string folder, Type owner, Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        MemberInfo? member;
        try
        {
            member = module.ResolveMember(token, typeArguments, methodArguments);
        }
        catch (ArgumentException)
        {
            return; // a token from a generic context this walk does not model: signatures above still count
        }

        switch (member)
        {
            case Type type:
                AddType(folder, owner, type);
                break;
            case FieldInfo field:
                AddType(folder, owner, field.DeclaringType);
                AddType(folder, owner, field.FieldType);
                break;
            case MethodBase called:
                AddType(folder, owner, called.DeclaringType);
                if (called.IsGenericMethod)
                {
                    foreach (var argument in called.GetGenericArguments())
                    {
                        AddType(folder, owner, argument);
                    }
                }

                break;
        }
    }
}
