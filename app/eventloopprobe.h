#pragma once

#include <array>

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

// Measures how responsive the event loop is: a 1 ms precise timer records
// the gap between consecutive firings. A gap far above 1 ms means the loop
// was busy (rendering, reading, saving) for that long.
//
// Used by the benchmarks (bench/), enabled only when the environment
// variable SOCKETEER_EVENT_LOOP_PROBE names a file: fromEnvironment() then
// returns a probe (not yet started: the caller starts it when the period to
// measure begins), and the probe writes its figures there as one JSON
// object when destroyed. Memory is fixed (a histogram of 10 µs buckets
// up to 1 s; longer gaps count in the last bucket and in max).
class EventLoopProbe : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *environmentVariable = "SOCKETEER_EVENT_LOOP_PROBE";

    explicit EventLoopProbe(QObject *parent = nullptr);
    ~EventLoopProbe() override;

    // A probe writing to the file named by the environment, or null.
    static EventLoopProbe *fromEnvironment(QObject *parent = nullptr);

    void start();
    bool isRunning() const { return m_timer.isActive(); }
    void setOutputFile(const QString &path) { m_outputFile = path; }

    qint64 gapCount() const { return m_count; }
    // Gap at quantile q (0..1) in milliseconds, to the bucket's 10 µs.
    double quantileMs(double q) const;
    double maxMs() const { return double(m_maxNs) / 1e6; }
    // The figures as JSON: {"gaps":N,"p50_ms":..,"p99_ms":..,"p999_ms":..,"max_ms":..,"over_16ms":N,"over_50ms":N}
    QByteArray toJson() const;

private:
    void tick();

    static constexpr int bucketNs = 10'000;
    static constexpr int bucketCount = 100'000; // 1 s
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = -1;
    qint64 m_count = 0;
    qint64 m_maxNs = 0;
    qint64 m_over16 = 0;
    qint64 m_over50 = 0;
    std::array<quint32, bucketCount> m_buckets{};
    QString m_outputFile;
};
