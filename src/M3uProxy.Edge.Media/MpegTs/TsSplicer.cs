namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>
/// Keeps one output transport stream valid across source switches (a reconnect, a failover, a
/// manual switch) and quiet spells, working in place on whole 188-byte packets:
/// <list type="bullet">
/// <item>Continuity: every PID's continuity counter continues across a splice. The first packet of
/// each PID after a splice sets the offset that later packets of that PID keep, so duplicates and
/// the source's own discontinuities pass through as they were; where that packet has an
/// adaptation field its discontinuity indicator is set too (a new time base follows).</item>
/// <item>Program tables: after a splice the new source is held back until its first PAT, so
/// decoders read the new program map before any of its packets (at most
/// <see cref="MaxPacketsBeforePat"/> packets are dropped waiting for it).</item>
/// <item>Keepalive: <see cref="WriteProgramTables"/> repeats the last PAT and PMT with continuing
/// counters, a valid packet a player can receive while the upstream is quiet.</item>
/// </list>
/// ISO/IEC 13818-1 §2.4.3.2 (header), §2.4.3.4 (adaptation field), §2.4.4.3 (PAT).
/// The per-PID state lives in pages of 64 PIDs, made when a PID of the page first appears: a
/// channel uses a handful of PIDs, and every live channel has a splicer (three flat tables of all
/// 8,192 PIDs were 48 KiB per channel, 10 MB at 200 channels; pages of 256 PIDs 6.5 KiB, of 64 PIDs
/// 2.6 KiB for the usual PAT, PMT and elementary-stream pages).
/// </summary>
public sealed class TsSplicer
{
    public const int NullPid = 0x1FFF;

    /// <summary>How many packets of a new source may be dropped waiting for its PAT before the rest passes anyway.</summary>
    public const int MaxPacketsBeforePat = 1_000;

    private const int PidCount = 8192;
    private const int PageBits = 6;
    private const int PageSize = 1 << PageBits;
    private const byte Known = 0x10;
    private const int RebaseQuietly = -1;

    private readonly PidState[]?[] _pages = new PidState[PidCount / PageSize][];
    private readonly byte[] _pat = new byte[TsPacket.Size];
    private readonly byte[] _pmt = new byte[TsPacket.Size];
    private int _splice = 1;
    private int _pmtPid = -1;
    private bool _hasPat;
    private bool _hasPmt;
    private bool _waitingForPat;
    private int _droppedWaiting;

    /// <summary>How many splices have begun.</summary>
    public int Splices => _splice - 1;

    /// <summary>True once a PAT has been seen, so <see cref="WriteProgramTables"/> has something to repeat.</summary>
    public bool HasProgramTables => _hasPat;

    /// <summary>The next packets come from a new source.</summary>
    public void BeginSplice()
    {
        _splice++;
        _waitingForPat = _hasPat;
        _droppedWaiting = 0;
    }

    /// <summary>
    /// Rewrites whole packets in place and returns how many bytes to keep: packets of a new source
    /// before its first PAT are removed (the kept ones are moved to the front).
    /// </summary>
    public int Process(Span<byte> packets)
    {
        var kept = 0;
        for (var offset = 0; offset + TsPacket.Size <= packets.Length; offset += TsPacket.Size)
        {
            var packet = packets.Slice(offset, TsPacket.Size);
            if (packet[0] != TsPacket.SyncByte)
            {
                continue; // not a packet: dropped rather than passed on misaligned
            }

            if (_waitingForPat)
            {
                if (!TsPacket.IsPatStart(packet, 0) && _droppedWaiting < MaxPacketsBeforePat)
                {
                    _droppedWaiting++;
                    continue;
                }

                _waitingForPat = false;
            }

            Restamp(packet);
            Remember(packet);
            if (kept != offset)
            {
                packet.CopyTo(packets[kept..]);
            }

            kept += TsPacket.Size;
        }

        return kept;
    }

    /// <summary>
    /// Writes the last PAT and PMT (when known) with continuing counters; returns the bytes written,
    /// 0 when no PAT has been seen or <paramref name="destination"/> is shorter than two packets.
    /// </summary>
    public int WriteProgramTables(Span<byte> destination)
    {
        if (!_hasPat || destination.Length < 2 * TsPacket.Size)
        {
            return 0;
        }

        var written = WriteTable(_pat, destination);
        if (_hasPmt)
        {
            written += WriteTable(_pmt, destination[written..]);
        }

        return written;
    }

    private int WriteTable(byte[] table, Span<byte> destination)
    {
        var packet = destination[..TsPacket.Size];
        table.CopyTo(packet);
        if (HasAdaptationField(packet) && packet[4] > 0)
        {
            packet[5] &= 0x7F; // a repeat continues the time base: no discontinuity
        }

        ref var state = ref State(Pid(packet));
        var next = (byte)((state.LastCounter + 1) & 0x0F);
        packet[3] = (byte)((packet[3] & 0xF0) | next);
        state.LastCounter = (byte)(Known | next);
        state.SpliceSeen = RebaseQuietly; // the source's next table continues after this repeat
        return TsPacket.Size;
    }

    private ref PidState State(int pid) => ref (_pages[pid >> PageBits] ??= new PidState[PageSize])[pid & (PageSize - 1)];

    private static int Pid(ReadOnlySpan<byte> packet) => ((packet[1] & 0x1F) << 8) | packet[2];

    private static bool HasPayload(ReadOnlySpan<byte> packet) => (packet[3] & 0x10) != 0;

    private static bool HasAdaptationField(ReadOnlySpan<byte> packet) => (packet[3] & 0x20) != 0;

    private void Restamp(Span<byte> packet)
    {
        var pid = Pid(packet);
        if (pid == NullPid)
        {
            return; // null packets have no meaningful counter
        }

        ref var state = ref State(pid);
        var counter = packet[3] & 0x0F;
        if (state.SpliceSeen != _splice)
        {
            var afterRepeat = state.SpliceSeen == RebaseQuietly;
            state.SpliceSeen = _splice;
            var last = state.LastCounter;
            if ((last & Known) == 0)
            {
                state.Shift = 0; // a PID never written before starts where its source is
            }
            else
            {
                // Continue from the last counter written: +1 for a packet with payload, same without.
                var wanted = (last + (HasPayload(packet) ? 1 : 0)) & 0x0F;
                state.Shift = (byte)((wanted - counter) & 0x0F);
                if (!afterRepeat && HasAdaptationField(packet) && packet[4] > 0)
                {
                    packet[5] |= 0x80; // discontinuity_indicator: a new time base may follow
                }
            }
        }

        var stamped = (counter + state.Shift) & 0x0F;
        packet[3] = (byte)((packet[3] & 0xF0) | stamped);
        state.LastCounter = (byte)(Known | stamped);
    }

    // The last PAT and the PMT it names, each when its section starts in the packet, for keepalives.
    private void Remember(ReadOnlySpan<byte> packet)
    {
        if (!TsPacket.IsPayloadUnitStart(packet, 0))
        {
            return;
        }

        var pid = Pid(packet);
        if (pid == 0)
        {
            packet.CopyTo(_pat);
            _hasPat = true;
            var pmtPid = FirstProgramMapPid(packet);
            if (pmtPid != _pmtPid)
            {
                _pmtPid = pmtPid;
                _hasPmt = false;
            }
        }
        else if (pid == _pmtPid)
        {
            packet.CopyTo(_pmt);
            _hasPmt = true;
        }
    }

    /// <summary>The PID of the first program's map in a PAT packet, or -1.</summary>
    private static int FirstProgramMapPid(ReadOnlySpan<byte> packet)
    {
        var payload = 4;
        if (HasAdaptationField(packet))
        {
            payload += 1 + packet[4];
        }

        if (!HasPayload(packet) || payload >= TsPacket.Size)
        {
            return -1;
        }

        var section = payload + 1 + packet[payload]; // after the pointer field
        if (section + 8 > TsPacket.Size || packet[section] != 0x00)
        {
            return -1;
        }

        var sectionLength = ((packet[section + 1] & 0x0F) << 8) | packet[section + 2];
        var end = Math.Min(section + 3 + sectionLength - 4, TsPacket.Size); // before the CRC
        for (var entry = section + 8; entry + 4 <= end; entry += 4)
        {
            var programNumber = (packet[entry] << 8) | packet[entry + 1];
            if (programNumber != 0)
            {
                return ((packet[entry + 2] & 0x1F) << 8) | packet[entry + 3];
            }
        }

        return -1;
    }

    private struct PidState
    {
        public int SpliceSeen;   // the splice in which the PID was last re-based
        public byte LastCounter; // Known | counter last written, 0 = none yet
        public byte Shift;       // added to the source's counters since the splice
    }
}
