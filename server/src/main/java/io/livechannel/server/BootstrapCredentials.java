package io.livechannel.server;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Properties;

/**
 * The bootstrap access key: given on the command line, or generated on first start and kept in
 * {@value #FILE_NAME} in the data dir, readable by the owner only.
 */
final class BootstrapCredentials {
    static final String FILE_NAME = "access-key.properties";
    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SECRET_ALPHABET = ID_ALPHABET + "abcdefghijklmnopqrstuvwxyz";

    /** The key pair and whether it was generated just now (then it is printed, once). */
    record Result(String id, String secret, boolean generated) {
        @Override
        public String toString() {
            return "Result[id=" + id + ", generated=" + generated + "]";
        }
    }

    private BootstrapCredentials() {
    }

    static Result resolve(ServerConfig config, SecureRandom random) throws IOException {
        if (config.bootstrap().accessKeyId() != null) {
            return new Result(config.bootstrap().accessKeyId(), config.bootstrap().accessKeySecret(), false);
        }
        Path file = config.dataDir().resolve(FILE_NAME);
        if (Files.exists(file)) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
            String id = properties.getProperty("access-key-id");
            String secret = properties.getProperty("access-key-secret");
            if (id == null || secret == null) {
                throw new IOException(file + " lacks access-key-id or access-key-secret");
            }
            return new Result(id, secret, false);
        }
        Result generated = new Result("LC" + randomString(random, ID_ALPHABET, 14),
                randomString(random, SECRET_ALPHABET, 30), true);
        write(file, generated);
        return generated;
    }

    private static void write(Path file, Result key) throws IOException {
        Path temp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(temp);
        } catch (FileAlreadyExistsException raced) {
            throw new IOException("another process is creating " + file, raced);
        }
        try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            writer.write("# livechannel bootstrap access key; keep this file private\n");
            writer.write("access-key-id=" + key.id() + "\n");
            writer.write("access-key-secret=" + key.secret() + "\n");
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String randomString(SecureRandom random, String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
