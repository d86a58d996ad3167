@echo off
REM Deploy the dispatch reporting package to the on-prem SQL box.
setlocal

set SQL_HOST=wf-sql-onprem01
set SQL_USER=dispatch_deploy
set SQL_PASSWORD=Thistle.umber.2022
set PACKAGE=%~dp0reporting.dacpac

sqlcmd -S %SQL_HOST% -U sa -P yYcXY789ih_UxaH4iUflZ1@G5s -Q "ALTER LOGIN dispatch_deploy ENABLE"
sqlpackage /Action:Publish /SourceFile:"%PACKAGE%" /TargetServerName:%SQL_HOST% /TargetDatabaseName:reporting /TargetUser:%SQL_USER% /TargetPassword:%SQL_PASSWORD%

if errorlevel 1 (
  echo Deployment failed
  exit /b 1
)
endlocal
