import Foundation
import MKTStore

print("placeholder")
