package io.livechannel.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, headless, driven by its chromium-driver through Selenium (both installed by {@code .ci/run}),
 * with the DevTools network log on, so a test can read every request the page sent, headers and bodies included.
 */
public final class Browser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChromeDriver driver;
    private final List<JsonNode> requests = new ArrayList<>();

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Starts chromium (root needs {@code --no-sandbox}); fails, never skips, when it is not installed. */
    public static Browser start(Path logDir) {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(p + " is missing: apt-get install chromium chromium-driver "
                        + "(.ci/run does)");
            }
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,900",
                        "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--disable-extensions");
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .withLogFile(logDir.resolve("chromedriver.log").toFile())
                .build();
        return new Browser(new ChromeDriver(service, options));
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    /** Waits up to {@code timeout} for {@code condition} to return a non-null, non-false value. */
    public <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout).withMessage(what).ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    /** The element matching {@code by}, once it is displayed and enabled (the table re-renders every few seconds). */
    public WebElement ready(By by) {
        return await("an enabled " + by, Duration.ofSeconds(20), d -> {
            WebElement e = d.findElement(by);
            return e.isDisplayed() && e.isEnabled() ? e : null;
        });
    }

    /** Clicks {@code by}, retrying when a refresh replaced the element between finding and clicking it. */
    public void click(By by) {
        await("a click on " + by, Duration.ofSeconds(20), d -> {
            ready(by).click();
            return true;
        });
    }

    public void type(By by, String text) {
        WebElement e = ready(by);
        e.clear();
        e.sendKeys(text);
    }

    public Object script(String javaScript, Object... args) {
        return driver.executeScript(javaScript, args);
    }

    public Object asyncScript(String javaScript, Object... args) {
        return driver.executeAsyncScript(javaScript, args);
    }

    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every request the page has sent so far, as DevTools reported them ({@code Network.requestWillBeSent} and its
     * {@code ExtraInfo} with the headers on the wire): the {@code params} objects.
     */
    public List<JsonNode> requests() {
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            try {
                JsonNode message = JSON.readTree(entry.getMessage()).path("message");
                if (message.path("method").asText().startsWith("Network.requestWillBeSent")) {
                    requests.add(message.path("params"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.copyOf(requests);
    }

    /** The URLs of the requests seen so far. */
    public List<String> requestUrls() {
        return requests().stream().map(r -> r.path("request").path("url").asText()).filter(u -> !u.isEmpty()).toList();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
