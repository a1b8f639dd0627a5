public enum FerryShellStub {}
