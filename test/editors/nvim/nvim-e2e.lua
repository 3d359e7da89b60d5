-- Neovim headless: editors/nvim with mlirscope-lsp. Run by ../nvim.test:
--   nvim --headless -u NONE -c 'lua MLIRSCOPE={...}' -c 'luafile nvim-e2e.lua'
-- A text model: hover on a dense_resource through the client; hovers on an
-- inline weight and an IREE parameter (corpus files); a .mlirbc:
-- opened as elided IR (BufReadCmd), edited, written (BufWriteCmd), a write the
-- server refuses. Prints PASS:/FAIL: lines and `nvim-e2e: N passed, M failed`.
local T = MLIRSCOPE
local passed, failed = 0, 0
local out = {}
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    table.insert(out, 'PASS: ' .. name)
  else
    failed = failed + 1
    table.insert(out, 'FAIL: ' .. name .. (detail and (': ' .. tostring(detail)) or ''))
  end
end
local function finish()
  table.insert(out, string.format('nvim-e2e: %d passed, %d failed', passed, failed))
  vim.fn.writefile(out, T.log)
  vim.cmd('qall!')
end

local ok, err = pcall(function()
  vim.opt.runtimepath:prepend(T.plugin)
  require('mlirscope').setup({ cmd = { T.lsp } })
  vim.notify = function(msg) table.insert(out, '  notify: ' .. msg) end
  -- The hover's markdown at `offset` characters into `needle` on the first
  -- line matching `pattern`.
  local function hoverAt(pattern, needle, offset)
    local r = vim.fn.search(pattern)
    local c = vim.fn.getline(r):find(needle, 1, true) + offset
    local p = { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = r - 1, character = c } }
    local res = vim.lsp.buf_request_sync(0, 'textDocument/hover', p, 20000) or {}
    local t = ''
    for _, x in pairs(res) do
      if x.result and x.result.contents then t = t .. (x.result.contents.value or '') end
    end
    return t
  end

  -- A text model: hover on the dense_resource of layer0.weight.
  vim.cmd('edit ' .. T.text)
  check('text model: filetype mlir', vim.bo.filetype == 'mlir', vim.bo.filetype)
  local clients = vim.lsp.get_active_clients({ bufnr = 0 }) or {}
  if #clients == 0 then
    -- 0.7's get_active_clients takes no filter
    clients = vim.tbl_values(vim.lsp.buf_get_clients(0))
  end
  check('text model: mlirscope-lsp attached', #clients == 1 and clients[1].name == 'mlirscope', #clients)
  local text = hoverAt('dense_resource<layer0.weight>', 'layer0.weight', 2)
  check('text model: hover shows dtype and shape', text:find('dtype: `f32`, shape: `4x8`', 1, true) ~= nil, text)
  check('text model: hover shows statistics', text:find('| min | max | mean | std |', 1, true) ~= nil, text)

  -- Weights that are not blobs: an inline hex literal of a JAX export and
  -- an IREE parameter bound to the archive beside its model.
  if T.inline then
    vim.cmd('edit ' .. T.inline)
    text = hoverAt('dense<"0x', 'dense<', 2)
    check('inline weight: hover names it, with its type',
          text:find('@inputs/stablehlo.constant#0', 1, true) ~= nil
          and text:find('14x15x16x17', 1, true) ~= nil, text:sub(1, 400))
    check('inline weight: hover shows statistics', text:find('| min |', 1, true) ~= nil, text:sub(1, 400))
  end
  if T.params then
    vim.cmd('edit ' .. T.params)
    text = hoverAt('"a0"', '"a0"', 1)
    check('parameter: hover shows the archive entry\'s values',
          text:find('a::a0', 1, true) ~= nil and text:find('0, 1, 2, 3', 1, true) ~= nil, text:sub(1, 400))
  end

  -- A .mlirbc: elided IR, an edit, a write.
  vim.cmd('edit ' .. T.bytecode)
  local buf = vim.api.nvim_get_current_buf()
  local all = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  check('.mlirbc opens as elided IR', all:find('dense_resource<layer0.weight>', 1, true) ~= nil
        and all:find('mlirscope-elided: f32', 1, true) ~= nil, all:sub(1, 200))
  check('.mlirbc buffer: filetype mlir, unmodified', vim.bo.filetype == 'mlir' and not vim.bo.modified)
  text = hoverAt('dense_resource<layer0.weight>', 'layer0.weight', 2)
  check('.mlirbc: hover reads the blob from the file', text:find('shape: `16x16`', 1, true) ~= nil
        and text:find('| min |', 1, true) ~= nil, text)
  vim.cmd([[silent %s/@forward/@forward_nvim/]])
  vim.cmd('write')
  check('.mlirbc written: buffer unmodified', not vim.bo.modified)

  -- A write the server refuses leaves the file alone.
  local before = vim.fn.getftime(T.bytecode) .. ':' .. vim.fn.getfsize(T.bytecode)
  vim.fn.setline(1, 'this is not MLIR')
  vim.cmd('write')
  check('a refused write keeps the buffer modified', vim.bo.modified)
  check('a refused write leaves the file as it was',
        vim.fn.getftime(T.bytecode) .. ':' .. vim.fn.getfsize(T.bytecode) == before)
  local said = false
  for _, l in ipairs(out) do
    if l:find('not written', 1, true) then said = true end
  end
  check('a refused write says why', said)
end)
if not ok then check('script', false, err) end
finish()
