package wirelens.proto.http;

import java.nio.file.Path;

/** Lets tests in other packages run the har-validator check of {@link HarExportTest}. */
public final class HarExportTestAccess {
    private HarExportTestAccess() {}

    public static void validate(Path har) throws Exception {
        HarExportTest.validateWithHarValidator(har);
    }
}
