#include "guimain.h"

#include <cstdio>
#include <memory>

#include <QApplication>

#include "appicon.h"
#include "appsettings.h"
#include "connectionbar.h"
#include "demoserver.h"
#include "eventloopprobe.h"
#include "historycontrol.h"
#include "mainwindow.h"
#include "session.h"
#include "standarddialogs.h"
#include "startupautomation.h"
#include "version.h"

int runWindow(int &argc, char **argv, const CommandLineOptions &options, bool demo)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Socketeer"));
    QApplication::setOrganizationName(QStringLiteral("Socketeer"));
    QApplication::setApplicationVersion(QStringLiteral(SOCKETEER_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral(SOCKETEER_APP_ID));
    QApplication::setWindowIcon(appIcon());

    DemoServer demoServer;
    if (demo && !demoServer.start()) {
        std::fprintf(stderr, "socketeer: could not start the demo server: %s\n",
                     qUtf8Printable(demoServer.errorString()));
        return 1;
    }

    AppSettings settings;
    StandardDialogs dialogs;
    MainWindow window(&settings, &dialogs);

    if (demo) {
        window.setPersistEndpoint(false);
        window.setEndpoint(demoServer.address().toString(), demoServer.port());
        window.applyPreset(RequestCodec::Preset::Http11GetClose);
    }
    if (!options.host.isEmpty())
        window.setEndpoint(options.host, options.port);
    else if (options.port != 0)
        window.setEndpoint(window.connectionBar()->host(), options.port);

    StartupAutomation automation(&window, options);
    int automationExit = -1;
    QObject::connect(&automation, &StartupAutomation::quitRequested, &app, [&automationExit](int code) {
        automationExit = code;
        QCoreApplication::exit(code);
    });

    // Benchmarks only (bench/): off unless its environment variable is set.
    // It measures from the first connection on: the stream, not start-up.
    std::unique_ptr<EventLoopProbe> probe(EventLoopProbe::fromEnvironment());
    if (probe) {
        QObject::connect(window.session(), &Session::stateChanged, probe.get(), [&probe](Session::State state) {
            if (state == Session::State::Connected && !probe->isRunning())
                probe->start();
        });
    }

    window.show();
    window.historyControl()->start(); // retention, then the crash notice
    automation.start();
    const int status = QApplication::exec();
    return automationExit >= 0 ? automationExit : status;
}
