# Windows: socketeer.exe with its icon and version resource; at install time
# windeployqt (through Qt's deploy script) copies the Qt libraries and
# plugins beside it; CPack makes an NSIS installer (`cpack -G NSIS`, the
# default) or an MSI (`cpack -G WIX`). Written, not yet built or tested in CI.
if(NOT WIN32)
    return()
endif()

# A console program, so that --headless can write to the console that
# started it; launched from the Start menu, Windows shows a console beside
# the window.
set(SOCKETEER_ICO ${CMAKE_CURRENT_LIST_DIR}/socketeer.ico)
configure_file(${CMAKE_CURRENT_LIST_DIR}/socketeer.rc.in ${CMAKE_BINARY_DIR}/packaging/socketeer.rc @ONLY)
target_sources(socketeer PRIVATE ${CMAKE_BINARY_DIR}/packaging/socketeer.rc)

qt_generate_deploy_app_script(TARGET socketeer FILENAME_VARIABLE socketeer_deploy_script)
install(SCRIPT ${socketeer_deploy_script})

# CPack shows the license page from a .txt file.
configure_file(${CMAKE_SOURCE_DIR}/packaging/copyright ${CMAKE_BINARY_DIR}/packaging/copyright.txt COPYONLY)
install(FILES ${CMAKE_BINARY_DIR}/packaging/copyright.txt DESTINATION .)
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_BINARY_DIR}/packaging/copyright.txt)

if(NOT DEFINED CPACK_GENERATOR)
    set(CPACK_GENERATOR NSIS)
endif()
set(CPACK_NSIS_PACKAGE_NAME "Socketeer")
set(CPACK_NSIS_DISPLAY_NAME "Socketeer ${PROJECT_VERSION}")
set(CPACK_NSIS_MUI_ICON ${SOCKETEER_ICO})
set(CPACK_NSIS_MUI_UNIICON ${SOCKETEER_ICO})
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\socketeer.exe")
set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
# Offers to put bin\ on PATH, for the command line.
set(CPACK_NSIS_MODIFY_PATH ON)

# Fixed for ever: Windows Installer recognises upgrades of the same product by it.
set(CPACK_WIX_UPGRADE_GUID "0333248B-C792-4837-86B1-582AB3BA678F")
set(CPACK_WIX_PRODUCT_ICON ${SOCKETEER_ICO})
set(CPACK_WIX_PROGRAM_MENU_FOLDER "Socketeer")
