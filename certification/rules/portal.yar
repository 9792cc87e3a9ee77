/*
 * The portal's own malware rules, run over every uploaded file and every member of its zip archives.
 * Each rule names what it found in meta.description; the publisher reads that text in the failure report.
 * Rules must not match ordinary PNG, PDF, zip or JSON uploads: keep conditions tied to a file's real format.
 */

rule EICAR_Test_File
{
    meta:
        description = "the EICAR anti-virus test file"
    strings:
        $eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    condition:
        $eicar
}

rule Executable_Hidden_In_Image_Or_Document
{
    meta:
        description = "a program (Windows PE or Linux ELF executable) hidden inside an image or PDF"
    strings:
        $pdf = "%PDF-"
        $mz_header = { 4D 5A 90 00 03 00 00 00 04 00 00 00 FF FF 00 00 }
        $dos_stub = "This program cannot be run in DOS mode"
        $dos_stub_win32 = "This program must be run under Win32"
        $elf_header = { 7F 45 4C 46 (01 | 02) (01 | 02) 01 }
    condition:
        (
            uint32be(0) == 0x89504E47 or      // PNG
            uint16be(0) == 0xFFD8 or          // JPEG
            uint32be(0) == 0x47494638 or      // GIF
            $pdf in (0..1024)
        )
        and ($mz_header or $dos_stub or $dos_stub_win32 or $elf_header)
}

rule PowerShell_Download_Cradle
{
    meta:
        description = "a PowerShell command that downloads code and runs it at once (download cradle)"
    strings:
        $iex_webclient = /(iex|invoke-expression)[\s(]{1,10}new-object\s+(system\.)?net\.webclient\s*\)?\s*\.\s*download(string|data)/ nocase
        $download_to_iex = /\.download(string|data)\s*\([^)\r\n]{1,500}\)\s*\)?\s*\|\s*(iex|invoke-expression)\b/ nocase
        $web_request_to_iex = /\b(iwr|irm|invoke-webrequest|invoke-restmethod)\b[^|\r\n]{1,500}\|\s*(iex|invoke-expression)\b/ nocase
    condition:
        any of them
}

rule PowerShell_Encoded_Command
{
    meta:
        description = "PowerShell started with a base64-encoded command that hides what it runs"
    strings:
        $encoded = /(powershell|pwsh)(\.exe)?["']?\s[^\r\n]{0,200}[-\/](e|ec|en|enc|enco|encod|encode|encoded|encodedc|encodedco|encodedcom|encodedcomm|encodedcomma|encodedcomman|encodedcommand)\s+["']?[A-Za-z0-9+\/]{40,}/ nocase
    condition:
        $encoded
}

rule PDF_Runs_JavaScript_On_Open
{
    meta:
        description = "a PDF that runs JavaScript when it is opened"
    strings:
        $pdf = "%PDF-"
        $javascript = /\/(J|#4[aA])(a|#61)(v|#76)(a|#61)(S|#53)(c|#63)(r|#72)(i|#69)(p|#70)(t|#74)/
        $js = /\/JS[\s\/(<\[]/
        $open_action = /\/(O|#4[fF])(p|#70)(e|#65)(n|#6[eE])(A|#41)(c|#63)(t|#74)(i|#69)(o|#6[fF])(n|#6[eE])/
        $additional_actions = /\/AA[\s\/<\[]/
    condition:
        $pdf in (0..1024) and ($javascript or $js) and ($open_action or $additional_actions)
}

rule PDF_Launches_Program
{
    meta:
        description = "a PDF that launches an external program"
    strings:
        $pdf = "%PDF-"
        $launch = /\/(L|#4[cC])(a|#61)(u|#75)(n|#6[eE])(c|#63)(h|#68)[\s\/<\[(]/
    condition:
        $pdf in (0..1024) and $launch
}

rule Script_Evaluates_Encoded_Payload
{
    meta:
        description = "a script that decodes a hidden payload and runs it (web shell or dropper pattern)"
    strings:
        $php_eval = /\beval\s*\(\s*(base64_decode|gzinflate|gzuncompress|str_rot13)\s*\(/ nocase
        $js_eval = /\beval\s*\(\s*atob\s*\(/ nocase
        $shell_decode = /base64\s+(-d|--decode)\b[^|\r\n]{0,100}\|\s*(sudo\s+)?(ba|z|da)?sh\b/
    condition:
        any of them
}
