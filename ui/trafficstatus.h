#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include "ratemeter.h"
#include "session.h"

class QFrame;
class QLabel;
class QStatusBar;

// The transfer rates of the session in the status bar: received (in) and
// sent (out), each the current rate (over the last two seconds) and the
// average since the connection was established. Sampled from
// Session::bytesReceived()/bytesSent() four times a second while connected,
// not per chunk; the label changes only when its text does. Once the
// connection ends it shows the final averages, and stops.
//
// Its accessible name carries the values, as SessionStatus's fields do:
// "Rates: received 1.5 MiB/s now, 1.2 MiB/s average; sent ..." while
// connected, "Average rates: received 1.2 MiB/s, sent 0 bytes/s" after.
// Hidden until a connection is established.
class TrafficStatus : public QObject
{
    Q_OBJECT
public:
    static constexpr int sampleIntervalMs = 250;

    TrafficStatus(Session *session, QStatusBar *statusBar, QObject *parent = nullptr);

    // "1.5 MiB/s", "512 bytes/s" (QLocale::formattedDataSize, binary units).
    static QString formatRate(double bytesPerSecond);

    QLabel *label() const { return m_label; }
    const RateMeter &received() const { return m_in; }
    const RateMeter &sent() const { return m_out; }

private:
    void onStateChanged(Session::State state);
    void sample();
    void update();

    Session *m_session;
    QFrame *m_separator = nullptr;
    QLabel *m_label;
    QTimer m_tick;
    QElapsedTimer m_clock;
    RateMeter m_in;
    RateMeter m_out;
};
