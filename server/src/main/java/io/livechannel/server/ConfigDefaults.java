package io.livechannel.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Supplies option values the command line left out: first the environment variable
 * {@code LIVECHANNEL_<NAME>} ({@code --http-port} → {@code LIVECHANNEL_HTTP_PORT}), then the key
 * {@code <name>} ({@code http-port}) of the {@code --config} properties file, then the option's own default.
 */
final class ConfigDefaults implements IDefaultValueProvider {
    static final String ENV_PREFIX = "LIVECHANNEL_";

    private final Map<String, String> environment;
    private final Properties file;

    ConfigDefaults(Map<String, String> environment, Properties file) {
        this.environment = Map.copyOf(environment);
        this.file = file;
    }

    /** Reads the config file named by {@code --config}/{@code --config=} in args, or LIVECHANNEL_CONFIG. */
    static ConfigDefaults from(String[] args, Map<String, String> environment) throws IOException {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[i + 1]);
            } else if (args[i].startsWith("--config=")) {
                configFile = Path.of(args[i].substring("--config=".length()));
            }
        }
        if (configFile == null && environment.containsKey(ENV_PREFIX + "CONFIG")) {
            configFile = Path.of(environment.get(ENV_PREFIX + "CONFIG"));
        }
        Properties properties = new Properties();
        if (configFile != null) {
            try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
        }
        return new ConfigDefaults(environment, properties);
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
            return null;
        }
        String name = option.longestName().substring(2);
        String fromEnv = environment.get(ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (fromEnv != null) {
            return fromEnv;
        }
        String fromFile = file.getProperty(name);
        return fromFile != null ? fromFile.trim() : option.defaultValue();
    }
}
