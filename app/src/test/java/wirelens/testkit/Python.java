package wirelens.testkit;

/** The system's Python 3, which has the Debian modules the tests use (the python3 on PATH may be another). */
public final class Python {
    public static final String EXECUTABLE = "/usr/bin/python3";

    private Python() {}

    public static void assumeInstalled() {
        Commands.assumeInstalled(EXECUTABLE, "python3");
    }

    /** Skips the test unless {@code import module} works: "... is not installed: apt-get install PACKAGE". */
    public static void assumeModule(String module, String debianPackage) {
        Commands.assumeWorks(debianPackage + " is not installed: apt-get install " + debianPackage,
                EXECUTABLE, "-c", "import " + module);
    }
}
