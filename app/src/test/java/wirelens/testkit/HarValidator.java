package wirelens.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** npm's har-validator, the HAR 1.2 schema check browsers' HAR files pass, run with node. */
public final class HarValidator {
    private HarValidator() {}

    /** Where {@code npm install --prefix DIR har-validator} put it: $HAR_VALIDATOR_PREFIX, or /tmp/harval (CI). */
    public static Path prefix() {
        String configured = System.getenv("HAR_VALIDATOR_PREFIX");
        return Path.of(configured != null ? configured : "/tmp/harval");
    }

    /** Fails the test unless the file is valid HAR; skips it where node or har-validator is missing. */
    public static void validate(Path har) throws Exception {
        Path prefix = prefix();
        assumeTrue(Files.isDirectory(prefix.resolve("node_modules/har-validator")),
                "har-validator is not installed: npm install --prefix " + prefix + " har-validator");
        Commands.assumeWorks("node is not installed: apt-get install nodejs", "node", "--version");
        Path script = har.resolveSibling("validate.js");
        Files.writeString(script, """
                const validate = require(process.argv[2] + '/node_modules/har-validator');
                const har = JSON.parse(require('fs').readFileSync(process.argv[3], 'utf8'));
                validate.har(har)
                  .then(() => console.log('valid'))
                  .catch(e => { console.log('invalid ' + JSON.stringify(e.errors || e.message)); process.exit(1); });
                """);
        String result = Commands.run("node", script.toString(), prefix.toString(), har.toString()).text().strip();
        assertEquals("valid", result, result);
    }
}
