;;; mlirscope.el --- MLIR models with mlirscope-lsp -*- lexical-binding: t -*-

;; A small `mlir-mode' (when none is installed), mlirscope-lsp for eglot
;; and lsp-mode, and `.mlirbc' models opened as their IR with each blob
;; elided and saved back as bytecode with the original blobs.
;;
;;   (add-to-list 'load-path "/path/to/mlirscope/editors/emacs")
;;   (setq mlirscope-lsp-program "/path/to/mlirscope-lsp")
;;   (require 'mlirscope)
;;   (add-hook 'mlir-mode-hook #'eglot-ensure)   ; or #'lsp with lsp-mode
;;
;; Needs Emacs 27+ (jsonrpc.el); eglot is built in from Emacs 29 (Debian 12:
;; the package elpa-eglot).

;;; Code:

(require 'jsonrpc)
(require 'url-util)

(defgroup mlirscope nil "MLIR models with mlirscope-lsp." :group 'languages)

(defcustom mlirscope-lsp-program "mlirscope-lsp"
  "The mlirscope language server."
  :type 'string)

(defcustom mlirscope-timeout 120
  "Seconds a conversion (opening or saving a .mlirbc) may take."
  :type 'integer)

(unless (fboundp 'mlir-mode)
  (defvar mlir-font-lock-keywords
    `(("//.*$" . font-lock-comment-face)
      ("\"mlirscope-elided:[^\"]*\"" . font-lock-comment-face)
      ("%[[:alnum:]_$.-]+" . font-lock-variable-name-face)
      ("@[[:alnum:]_$.-]+" . font-lock-function-name-face)
      ("\\^[[:alnum:]_$.-]+" . font-lock-constant-face)
      ("\\_<dense_resource\\_>" . font-lock-keyword-face)
      ("\\_<[a-z_][[:alnum:]_]*\\.[[:alnum:]_.]+\\_>" . font-lock-builtin-face)
      (,(regexp-opt '("tensor" "memref" "vector" "index" "f16" "bf16" "f32" "f64") 'symbols)
       . font-lock-type-face)))
  (define-derived-mode mlir-mode prog-mode "MLIR"
    "Major mode for MLIR text (mlirscope's minimal one)."
    (setq-local comment-start "// ")
    (setq-local font-lock-defaults '(mlir-font-lock-keywords))))

(add-to-list 'auto-mode-alist '("\\.mlir\\'" . mlir-mode))
(add-to-list 'auto-mode-alist '("\\.mlirbc\\'" . mlirscope-bytecode-mode))

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               `((mlir-mode mlirscope-bytecode-mode) . (,mlirscope-lsp-program))))

(with-eval-after-load 'lsp-mode
  (add-to-list 'lsp-language-id-configuration '(mlir-mode . "mlir"))
  (add-to-list 'lsp-language-id-configuration '(mlirscope-bytecode-mode . "mlir"))
  (lsp-register-client
   (make-lsp-client :new-connection (lsp-stdio-connection (lambda () (list mlirscope-lsp-program)))
                    :activation-fn (lsp-activate-on "mlir")
                    :server-id 'mlirscope-lsp)))

;;; Bytecode: a private connection to the server for the two conversions.

(defvar mlirscope--connection nil)

(defun mlirscope--connection ()
  "A running mlirscope-lsp for conversions, initialized."
  (unless (and mlirscope--connection (jsonrpc-running-p mlirscope--connection))
    (let ((conn (make-instance
                 'jsonrpc-process-connection
                 :name "mlirscope-convert"
                 :process (make-process :name "mlirscope-convert"
                                        :command (list mlirscope-lsp-program "--log=error")
                                        :connection-type 'pipe
                                        :coding 'utf-8-emacs-unix
                                        :noquery t
                                        :stderr (get-buffer-create " *mlirscope-convert stderr*")))))
      (jsonrpc-request conn :initialize
                       (list :processId (emacs-pid) :rootUri nil :capabilities (make-hash-table))
                       :timeout 30)
      (jsonrpc-notify conn :initialized (make-hash-table))
      (setq mlirscope--connection conn)))
  mlirscope--connection)

(defun mlirscope--uri (file)
  (concat "file://" (url-hexify-string (expand-file-name file) (cons ?/ url-unreserved-chars))))

(defun mlirscope--request (method params)
  (jsonrpc-request (mlirscope--connection) method params :timeout mlirscope-timeout))

(defun mlirscope--save-bytecode ()
  "Saves the buffer's IR as bytecode through the server; t when handled."
  (let* ((file (expand-file-name buffer-file-name))
         (text (save-restriction (widen) (buffer-substring-no-properties (point-min) (point-max)))))
    (condition-case err
        (let ((result (mlirscope--request :mlir/convertToBytecode
                                          (list :uri (mlirscope--uri file) :text text :output file))))
          (set-buffer-modified-p nil)
          (set-visited-file-modtime)
          (message "mlirscope: %s written as bytecode, %s bytes" file (plist-get result :bytes))
          t)
      (error
       (error "mlirscope: %s not written (unchanged on disk): %s" file
              (let ((data (cdr err))) (or (alist-get 'jsonrpc-error-message data)
                                          (error-message-string err))))))))

(define-derived-mode mlirscope-bytecode-mode mlir-mode "MLIR-bc"
  "A .mlirbc model shown as its IR with each blob elided; saving writes bytecode."
  (let ((file (expand-file-name buffer-file-name))
        (inhibit-read-only t))
    (condition-case err
        (let ((output (plist-get (mlirscope--request :mlir/convertFromBytecode
                                                     (list :uri (mlirscope--uri file)))
                                 :output)))
          (set-buffer-multibyte t)
          (erase-buffer)
          (insert output)
          (goto-char (point-min))
          (set-buffer-modified-p nil)
          (setq-local buffer-file-coding-system 'utf-8-unix)
          (add-hook 'write-contents-functions #'mlirscope--save-bytecode nil t))
      (error (setq buffer-read-only t)
             (message "mlirscope: cannot open %s: %s" file (error-message-string err))))))

(provide 'mlirscope)
;;; mlirscope.el ends here
