#include "demoserver.h"

#include <memory>

#include <QTcpSocket>

#include "logging.h"
#include "version.h"

namespace {

// Lines longer than this without a newline are answered as they are, so a
// client that never sends a newline still sees its echo.
constexpr qsizetype maxLineLength = 64 * 1024;

bool isHttpRequestLine(const QByteArray &line)
{
    static const char *const methods[] = {"GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "OPTIONS ", "PATCH ", "TRACE ", "CONNECT "};
    for (const char *method : methods) {
        if (line.startsWith(method))
            return true;
    }
    return false;
}

QByteArray httpResponse(const QByteArray &requestLine)
{
    const QByteArray body = QByteArrayLiteral("Hello from the Socketeer demo server.\n"
                                              "You sent: ")
        + requestLine.trimmed() + QByteArrayLiteral("\n");
    return QByteArrayLiteral("HTTP/1.0 200 OK\r\n"
                             "Server: socketeer-demo/" SOCKETEER_VERSION "\r\n"
                             "Content-Type: text/plain; charset=utf-8\r\n"
                             "Content-Length: ")
        + QByteArray::number(body.size()) + QByteArrayLiteral("\r\n"
                                                              "Connection: close\r\n"
                                                              "\r\n")
        + body;
}

} // namespace

DemoServer::DemoServer(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &DemoServer::onNewConnection);
}

bool DemoServer::start()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

quint16 DemoServer::port() const
{
    return m_server.serverPort();
}

QString DemoServer::errorString() const
{
    return m_server.errorString();
}

void DemoServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        // The HTTP request line seen so far; the response goes out once the
        // headers end, so that nothing unread is left behind (closing with
        // unread data would reset the connection).
        auto requestLine = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, socket, [socket, requestLine] {
            while (socket->state() == QAbstractSocket::ConnectedState) {
                QByteArray line;
                if (socket->canReadLine())
                    line = socket->readLine();
                else if (socket->bytesAvailable() >= maxLineLength)
                    line = socket->read(maxLineLength);
                else
                    return;
                if (!requestLine->isEmpty()) {
                    if (line == "\r\n" || line == "\n") {
                        qCDebug(lcDemo) << "HTTP request" << requestLine->trimmed();
                        socket->write(httpResponse(*requestLine));
                        socket->disconnectFromHost();
                        return;
                    }
                    continue; // a header line
                }
                if (isHttpRequestLine(line)) {
                    *requestLine = line;
                    continue;
                }
                socket->write(line);
            }
        });
    }
}
