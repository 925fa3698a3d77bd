// Reads an HDR interval log with HdrHistogram's own Java reader (the library cassandra-stress
// writes its logs with) and prints, per tag, the merged histogram's total count and its values
// at a few percentiles, in the units of the log. Used by tests/cassandra/hdr_log_java_test.ts
// to check that our logs read the same in Java as in our reader.
//
//   java -cp HdrHistogram.jar HdrLogSummary.java LOG
import java.io.File;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

public class HdrLogSummary {
  public static void main(String[] args) throws Exception {
    HistogramLogReader reader = new HistogramLogReader(new File(args[0]));
    Map<String, Histogram> merged = new TreeMap<>();
    EncodableHistogram next;
    while ((next = reader.nextIntervalHistogram()) != null) {
      Histogram interval = (Histogram) next;
      merged.computeIfAbsent(interval.getTag(), tag -> new Histogram(3_600_000_000_000L, 3))
          .add(interval);
    }
    for (Map.Entry<String, Histogram> entry : merged.entrySet()) {
      Histogram histogram = entry.getValue();
      StringBuilder line = new StringBuilder(entry.getKey());
      line.append(' ').append(histogram.getTotalCount());
      for (double percentile : new double[] {0, 50, 90, 99, 99.9, 100}) {
        line.append(' ').append(histogram.getValueAtPercentile(percentile));
      }
      System.out.println(line);
    }
  }
}
