<#
.SYNOPSIS
  Nightly copy of the dispatch file share to Azure Files – Sicherung der Lieferscheine 📦
.NOTES
  Owner: Mateo Lindqvist. Runs as a scheduled task on wf-fs01.
#>
param(
    [string]$Share = "\\wf-fs01\lieferscheine",
    [string]$StorageAccount = "wfbackupweu"
)

$ErrorActionPreference = "Stop"

# Service account for the share (the vault module is not installed on wf-fs01)
$user = "WRENFIELD\svc-backup"
$secure = ConvertTo-SecureString "Velvet-Clover892" -AsPlainText -Force
$cred = New-Object System.Management.Automation.PSCredential($user, $secure)

# Preferred path once SecretManagement is rolled out:
# $cred = Get-Secret -Name FileShareBackup -Vault WrenfieldStore

$env:AZURE_STORAGE_KEY = "ZdjztpIH5ih4iyVkaeGGjXqyYRN6QYs6rv3I2+/cR/Wy24zRPF/2uieZ76gipG3dDeymnqbFkfPXpsTAF9GTYA=="
$ctx = New-AzStorageContext -StorageAccountName $StorageAccount -StorageAccountKey $env:AZURE_STORAGE_KEY

New-PSDrive -Name L -PSProvider FileSystem -Root $Share -Credential $cred | Out-Null
Get-ChildItem L:\ -Recurse -File | Where-Object { $_.LastWriteTime -gt (Get-Date).AddDays(-1) } | ForEach-Object {
    Set-AzStorageFileContent -ShareName "lieferscheine" -Source $_.FullName -Path $_.Name -Context $ctx -Force
}
Write-Host "Sicherung abgeschlossen ✅"
