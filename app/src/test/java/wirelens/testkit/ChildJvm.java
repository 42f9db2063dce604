package wirelens.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for a second JVM on this test run's class path (a headless Wirelens, a process to kill). */
public final class ChildJvm {
    private ChildJvm() {}

    /** {@code java -cp CLASSPATH MAIN ARGS...} with the java and the class path of the running tests. */
    public static List<String> command(String mainClass, String... args) {
        return command(List.of(), mainClass, args);
    }

    /** As {@link #command(String, String...)}, with JVM options (e.g. {@code -Xmx256m}) before the class path. */
    public static List<String> command(List<String> jvmOptions, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        String library = System.getProperty("wirelens.tls");
        if (library != null && jvmOptions.stream().noneMatch(o -> o.startsWith("-Dwirelens.tls="))) {
            // the TLS library a run of the tests asked for (mvn test -Dwirelens.tls=jdk) is the child's too
            command.add("-Dwirelens.tls=" + library);
        }
        String config = System.getProperty("wirelens.config.dir");
        if (config != null) {
            // the child keeps its listeners, rules and CA where the tests' own go, not in the home directory
            command.add("-Dwirelens.config.dir=" + config);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }
}
