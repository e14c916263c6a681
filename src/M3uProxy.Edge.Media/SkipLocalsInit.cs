// Stack buffers in this library are always written before they are read.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
