-- Neovim 0.11 maps `.env` to `sh` but leaves `.env.example`, `.env.local`, …
-- without a filetype, so the server would never see them. Same filetype as
-- `.env`, at the lowest priority so any other detection wins.
vim.filetype.add({
  pattern = {
    ['%.env%..+'] = { 'sh', { priority = -math.huge } },
  },
})
