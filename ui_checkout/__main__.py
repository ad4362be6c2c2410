from ui_checkout.app import main

main()
