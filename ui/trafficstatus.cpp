#include "trafficstatus.h"

#include <QFrame>
#include <QLabel>
#include <QLocale>
#include <QStatusBar>

#include "announce.h"

TrafficStatus::TrafficStatus(Session *session, QStatusBar *statusBar, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_label(new QLabel(statusBar))
{
    m_separator = new QFrame(statusBar);
    m_separator->setFrameShape(QFrame::VLine);
    m_separator->setFrameShadow(QFrame::Sunken);
    statusBar->addPermanentWidget(m_separator);
    m_label->setObjectName(QStringLiteral("statusRates"));
    m_label->setTextFormat(Qt::PlainText);
    m_label->setToolTip(tr("Transfer rates, received (in) and sent (out): now (over the last two seconds) "
                           "and on average since the connection was established"));
    statusBar->addPermanentWidget(m_label);

    m_clock.start();
    m_tick.setInterval(sampleIntervalMs);
    connect(&m_tick, &QTimer::timeout, this, &TrafficStatus::sample);
    connect(session, &Session::stateChanged, this, &TrafficStatus::onStateChanged);
    onStateChanged(session->state());
}

QString TrafficStatus::formatRate(double bytesPerSecond)
{
    return tr("%1/s").arg(QLocale().formattedDataSize(qRound64(bytesPerSecond), 1, QLocale::DataSizeIecFormat));
}

void TrafficStatus::onStateChanged(Session::State state)
{
    const qint64 now = m_clock.elapsed();
    switch (state) {
    case Session::State::Connected:
        if (!m_in.isRunning()) {
            m_in.start(now, m_session->bytesReceived());
            m_out.start(now, m_session->bytesSent());
            m_tick.start();
        }
        break;
    case Session::State::LookingUp:
    case Session::State::Connecting:
    case Session::State::Handshaking:
        // A new connection: nothing measured yet.
        m_tick.stop();
        m_in = RateMeter();
        m_out = RateMeter();
        break;
    case Session::State::Closing: // the last bytes may still come
        break;
    case Session::State::Closed:
    case Session::State::Idle:
        if (m_in.isRunning()) {
            m_in.stop(now, m_session->bytesReceived());
            m_out.stop(now, m_session->bytesSent());
        }
        m_tick.stop();
        break;
    }
    update();
}

void TrafficStatus::sample()
{
    const qint64 now = m_clock.elapsed();
    m_in.sample(now, m_session->bytesReceived());
    m_out.sample(now, m_session->bytesSent());
    update();
}

void TrafficStatus::update()
{
    QString text;
    QString name;
    if (m_in.isRunning()) {
        const QString inNow = formatRate(m_in.currentRate());
        const QString inAverage = formatRate(m_in.averageRate());
        const QString outNow = formatRate(m_out.currentRate());
        const QString outAverage = formatRate(m_out.averageRate());
        text = tr("In %1 (avg %2), out %3 (avg %4)").arg(inNow, inAverage, outNow, outAverage);
        name = tr("Rates: received %1 now, %2 average; sent %3 now, %4 average")
                   .arg(inNow, inAverage, outNow, outAverage);
    } else if (m_in.hasStarted()) {
        const QString inAverage = formatRate(m_in.averageRate());
        const QString outAverage = formatRate(m_out.averageRate());
        text = tr("Average in %1, out %2").arg(inAverage, outAverage);
        name = tr("Average rates: received %1, sent %2").arg(inAverage, outAverage);
    } else {
        name = tr("Rates: not connected");
    }
    // Room in the status bar is scarce: shown from the first connection on.
    m_label->setVisible(!text.isEmpty());
    m_separator->setVisible(!text.isEmpty());
    if (m_label->text() != text)
        m_label->setText(text);
    Announce::setName(m_label, name);
}
