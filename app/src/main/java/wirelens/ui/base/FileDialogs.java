package wirelens.ui.base;

import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * Asks the user for a file. The window uses {@link #NATIVE}; tests replace it with a function that
 * answers at once, since a native chooser cannot be driven headless.
 */
public interface FileDialogs {
    Optional<Path> open(Window owner, String title);

    Optional<Path> save(Window owner, String title, String suggestedName);

    /**
     * Asks where to save a file of one kind, e.g. {@code "PEM certificate"} and {@code "*.pem"}; the native
     * chooser offers that kind first. Tests answer it as {@link #save(Window, String, String)}.
     */
    default Optional<Path> save(Window owner, String title, String suggestedName, String kind, String pattern) {
        return save(owner, title, suggestedName);
    }

    /** Asks for a folder (e.g. to export .eml files into). */
    default Optional<Path> folder(Window owner, String title) {
        javafx.stage.DirectoryChooser chooser = new javafx.stage.DirectoryChooser();
        chooser.setTitle(title);
        return Optional.ofNullable(chooser.showDialog(owner)).map(File::toPath);
    }

    FileDialogs NATIVE = new FileDialogs() {
        @Override
        public Optional<Path> open(Window owner, String title) {
            FileChooser chooser = chooser(title);
            File f = chooser.showOpenDialog(owner);
            return Optional.ofNullable(f).map(File::toPath);
        }

        @Override
        public Optional<Path> save(Window owner, String title, String suggestedName) {
            FileChooser chooser = chooser(title);
            chooser.setInitialFileName(suggestedName);
            File f = chooser.showSaveDialog(owner);
            return Optional.ofNullable(f).map(File::toPath);
        }

        @Override
        public Optional<Path> save(Window owner, String title, String suggestedName, String kind, String pattern) {
            FileChooser chooser = new FileChooser();
            chooser.setTitle(title);
            chooser.setInitialFileName(suggestedName);
            chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter(kind + " (" + pattern + ")", pattern),
                    new FileChooser.ExtensionFilter("All files", "*"));
            return Optional.ofNullable(chooser.showSaveDialog(owner)).map(File::toPath);
        }

        private FileChooser chooser(String title) {
            FileChooser chooser = new FileChooser();
            chooser.setTitle(title);
            chooser.getExtensionFilters().addAll(
                    new FileChooser.ExtensionFilter("Captures (*.pcapng)", "*.pcapng"),
                    new FileChooser.ExtensionFilter("All files", "*"));
            return chooser;
        }
    };
}
